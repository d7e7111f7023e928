"""Wagtail page types: the home page, a page per wijk, and plain content pages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.models import Wijk


class BodyBlock(blocks.StreamBlock):
    """The content blocks editors can use in a page body."""

    heading = blocks.CharBlock(form_classname="title", label=_("Heading"))
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3"], label=_("Text")
    )
    image = ImageBlock(label=_("Image"))
    quote = blocks.BlockQuoteBlock(label=_("Quote"))


class HomePage(Page):
    """The front page: what Wijkplein is, and the wijken it serves."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["cms.WijkPage", "cms.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["wijk_pages"] = (
            WijkPage.objects.live().child_of(self).select_related("wijk").order_by("title")
        )
        return context


class WijkPage(Page):
    """One page per wijk: the wijkbedrijf's address, opening hours and contacts."""

    wijk = models.OneToOneField(
        Wijk, on_delete=models.PROTECT, related_name="page", verbose_name=_("wijk")
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    wijkbedrijf_name = models.CharField(_("name of the wijkbedrijf"), max_length=120, blank=True)
    address = models.TextField(_("address of the wijkbedrijf"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("wijk"),
        FieldPanel("intro"),
        FieldPanel("wijkbedrijf_name"),
        FieldPanel("address"),
        FieldPanel("opening_hours"),
        InlinePanel("contacts", label=_("Contacts")),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("wijk page")


class WijkContact(Orderable):
    """A person residents can contact about their wijk."""

    page = ParentalKey(WijkPage, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("email"), FieldPanel("phone")]


class StandardPage(Page):
    """A plain content page (about, privacy, accessibility statement)."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")
