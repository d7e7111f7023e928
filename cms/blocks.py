"""StreamField blocks editors compose page bodies from."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

OBJECT_KINDS = [("initiative", _("Initiative")), ("budget_round", _("Budget round"))]


class HeadingBlock(blocks.CharBlock):
    """A section heading inside the body (an h2: the page title is the only h1)."""

    class Meta:
        template = "cms/blocks/heading.html"
        form_classname = "title"
        icon = "title"


class QuoteBlock(blocks.StructBlock):
    """A quote with the person who said it."""

    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, label=_("Who said it"))

    class Meta:
        template = "cms/blocks/quote.html"
        icon = "openquote"


class SitePathBlock(blocks.CharBlock):
    """A link to a page of this site ("/initiatieven/12/") or an https address."""

    def clean(self, value):
        value = super().clean(value)
        validate_site_link(value)
        return value


class ObjectCardBlock(blocks.StructBlock):
    """A card pointing to an initiative or a budget round.

    Holds the link, not a database reference: those models are still changing,
    and a card must keep working when an initiative is archived.
    """

    kind = blocks.ChoiceBlock(choices=OBJECT_KINDS, label=_("What it shows"))
    title = blocks.CharBlock(max_length=200, label=_("Title"))
    link = SitePathBlock(max_length=300, label=_("Link"))
    summary = blocks.TextBlock(required=False, label=_("Summary"))

    class Meta:
        template = "cms/blocks/object_card.html"
        icon = "link"
        label = _("Initiative or budget round")


class BodyBlock(blocks.StreamBlock):
    """The content blocks editors can use in a page body."""

    heading = HeadingBlock(label=_("Heading"))
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3"], label=_("Text")
    )
    image = ImageBlock(label=_("Image"))
    quote = blocks.BlockQuoteBlock(label=_("Quote"))


class ArticleBlock(blocks.StreamBlock):
    """The body of news, decisions and events: text, images, quotes and object cards."""

    heading = HeadingBlock(label=_("Heading"))
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3"], label=_("Text")
    )
    image = ImageBlock(label=_("Image"))
    quote = QuoteBlock(label=_("Quote"))
    object_card = ObjectCardBlock()


def validate_site_link(value: str) -> None:
    """A link editors type must stay on this site or use https."""
    # "//host" and "/\host" start with a slash, yet browsers take them to another site.
    on_site = value.startswith("/") and not value.startswith(("//", "/\\"))
    if value and not (on_site or value.startswith("https://")):
        raise ValidationError(
            _("Enter an address on this site starting with / or a full https:// address.")
        )
