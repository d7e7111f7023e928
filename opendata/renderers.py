"""JSON whose strings never hold markup characters as such."""

from __future__ import annotations

from rest_framework.renderers import JSONRenderer

# Outside strings JSON has none of these; inside, the escapes mean the same characters.
_ESCAPES = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"))


class SafeJSONRenderer(JSONRenderer):
    """JSON with <, > and & written as \\u escapes (as Django's json_script does): the same
    data for every JSON reader, but text a resident typed (`<script>`) can never be taken
    for markup, by a browser that guesses (nosniff forbids it too) or a page that pastes it."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        body = super().render(data, accepted_media_type, renderer_context)
        for character, escape in _ESCAPES:
            body = body.replace(character, escape)
        return body
