"""Wagtail page types: home, wijk and content pages; news, decisions and events.

News, decisions and events carry the wijken they concern (a ParentalManyToManyField,
so a draft revision keeps them); the home page lists the latest of each, a wijk page
those of its wijk. Listings go through `ListedPageQuerySet`, which loads what the
cards show in a fixed number of queries (cms/querysets.py), however many pages there are.
"""

from __future__ import annotations

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from budget.selectors import rounds_open
from cms.blocks import ArticleBlock, BodyBlock, validate_site_link
from cms.querysets import EventQuerySet, ListedPageQuerySet
from core.models import Wijk
from initiatives.selectors import initiatives_seeking_help

LISTING_PAGE_SIZE = 12
HOME_LISTING_SIZE = 3


ListedPageManager = PageManager.from_queryset(ListedPageQuerySet)


def _wijken_field(related_name: str) -> ParentalManyToManyField:
    return ParentalManyToManyField(
        Wijk,
        blank=True,
        related_name=related_name,
        verbose_name=_("wijken"),
        help_text=_("The wijken this is about. It is shown on their wijk pages and feeds."),
    )


def _wijken_panel() -> FieldPanel:
    return FieldPanel("wijken", widget=forms.CheckboxSelectMultiple)


def _chosen_wijk(request) -> Wijk | None:
    slug = request.GET.get("wijk")
    return Wijk.objects.filter(slug=slug).first() if slug else None


class ListingIndexPage(Page):
    """An overview of its child pages, filterable by wijk, one page of cards at a time.

    A subclass says in `listed_items` which pages it lists, in what order, and what else its
    filters put in the template (`cms/partials/_listing.html` is the layout they extend).
    """

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    max_count = 1

    class Meta:
        abstract = True

    def listed_items(self, request, *, wijk: Wijk | None) -> tuple[QuerySet, dict]:
        """The child pages to list for this request, ordered, and the filters' context."""
        raise NotImplementedError

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        wijk = _chosen_wijk(request)
        items, filters = self.listed_items(request, wijk=wijk)
        query = request.GET.copy()  # the filters to keep in the links to other pages
        query.pop("page", None)
        context.update(
            items=Paginator(items, LISTING_PAGE_SIZE).get_page(request.GET.get("page")),
            query_prefix=query.urlencode(),
            wijken=Wijk.objects.all(),
            chosen_wijk=wijk,
            **filters,
        )
        return context


def _latest(wijk: Wijk | None) -> dict:
    """The newest news and decisions and the next events, for the home and wijk pages."""
    # The three overview pages in one query, for the "all news" links.
    types = ContentType.objects.get_for_models(NewsIndexPage, DecisionIndexPage, EventIndexPage)
    indexes = {
        page.content_type_id: page
        for page in Page.objects.live().filter(content_type__in=types.values())
    }
    private = Page.objects.private_q()  # once for the three listings
    return {
        "news_index": indexes.get(types[NewsIndexPage].pk),
        "decision_index": indexes.get(types[DecisionIndexPage].pk),
        "event_index": indexes.get(types[EventIndexPage].pk),
        "wijk_query": f"?wijk={wijk.slug}" if wijk else "",
        "latest_news": NewsPage.objects.listed(private=private)
        .for_wijk(wijk)
        .with_card_images()
        .order_by("-date", "-first_published_at", "-pk")[:HOME_LISTING_SIZE],
        "latest_decisions": DecisionPage.objects.listed(private=private)
        .for_wijk(wijk)
        .order_by("-decided_on", "-first_published_at", "-pk")[:HOME_LISTING_SIZE],
        "upcoming_events": EventPage.objects.listed(private=private)
        .for_wijk(wijk)
        .upcoming()[:HOME_LISTING_SIZE],
        "seeking_help": initiatives_seeking_help(wijk=wijk, limit=HOME_LISTING_SIZE),
        "open_rounds": rounds_open(wijk=wijk),
    }


class HomePage(Page):
    """The front page: what Wijkplein is, and the wijken it serves."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    subpage_types = [
        "cms.WijkPage",
        "cms.StandardPage",
        "cms.NewsIndexPage",
        "cms.DecisionIndexPage",
        "cms.EventIndexPage",
    ]
    # One per municipality: each Wagtail Site (host name) has its own page tree.

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["wijk_pages"] = (
            WijkPage.objects.live().child_of(self).select_related("wijk").order_by("title")
        )
        context.update(_latest(None))
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

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(_latest(self.wijk))
        return context


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


# --- News ---------------------------------------------------------------------------


class NewsIndexPage(ListingIndexPage):
    """The news overview, filterable by wijk and tag."""

    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = _("news overview")

    def listed_items(self, request, *, wijk):
        tag = request.GET.get("tag", "").strip()
        items = NewsPage.objects.listed().child_of(self).for_wijk(wijk).with_card_images()
        if tag:
            items = items.filter(tags__slug=tag)
        return items.order_by("-date", "-first_published_at", "-pk"), {"tag": tag}


class NewsPageTag(TaggedItemBase):
    """A tag on a news item (through model for taggit)."""

    content_object = ParentalKey(
        "cms.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsPage(Page):
    """A news item from the council or a wijkbedrijf."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(
        _("summary"), max_length=400, help_text=_("One or two sentences for lists and the feed.")
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("image"),
        help_text=_("Its description is read out as the alternative text."),
    )
    body = StreamField(ArticleBlock(), blank=True, verbose_name=_("body"))
    wijken = _wijken_field("news_pages")
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))

    objects = ListedPageManager()

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), _wijken_panel(), FieldPanel("tags")], heading=_("About")
        ),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")


# --- Decisions ----------------------------------------------------------------------


class DecisionKind(models.TextChoices):
    SUBSIDY = "subsidy", _("Subsidy")
    INITIATIVE = "initiative", _("Initiative")
    BUDGET_RESULT = "budget_result", _("Wijkbudget result")
    POLICY = "policy", _("Policy")


class DecisionIndexPage(ListingIndexPage):
    """The list of published decisions (besluiten), filterable by wijk and kind."""

    subpage_types = ["cms.DecisionPage"]

    class Meta:
        verbose_name = _("decisions overview")

    def listed_items(self, request, *, wijk):
        kind = request.GET.get("kind", "")
        items = DecisionPage.objects.listed().child_of(self).for_wijk(wijk)
        if kind in DecisionKind.values:
            items = items.filter(kind=kind)
        else:
            kind = ""
        items = items.order_by("-decided_on", "-first_published_at", "-pk")
        return items, {"kinds": DecisionKind.choices, "chosen_kind": kind}


class DecisionPage(Page):
    """A published decision: on a subsidy, an initiative, a wijkbudget round or policy."""

    decided_on = models.DateField(_("decision date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=20, choices=DecisionKind.choices)
    summary = models.TextField(_("summary"), help_text=_("What was decided, in plain words."))
    body = StreamField(ArticleBlock(), blank=True, verbose_name=_("body"))
    wijken = _wijken_field("decision_pages")
    panel_advice = models.TextField(
        _("advice of the wijkpanel"), blank=True, help_text=_("Leave empty if there was none.")
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
        help_text=_("The decision letter without personal data, or the results report (PDF)."),
    )
    decided_url = models.CharField(
        _("link to what was decided"),
        max_length=300,
        blank=True,
        validators=[validate_site_link],
        help_text=_("The page of the initiative, application or budget round."),
    )
    # The decided object itself, so its page can find this decision (see
    # cms.selectors.decision_page_for). A generic reference: decisions are taken on
    # models of apps that cms may not depend on in reverse.
    decided_content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_object_id = models.CharField(max_length=64, blank=True, db_index=True)

    objects = ListedPageManager()

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("decided_on"), FieldPanel("kind"), _wijken_panel()], heading=_("About")
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("panel_advice"),
        FieldPanel("document"),
        FieldPanel("decided_url"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("panel_advice"),
        index.FilterField("kind"),
        index.FilterField("decided_on"),
    ]
    parent_page_types = ["cms.DecisionIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DecisionKind.values),
                name="cms_decision_kind_valid",
                violation_error_message=_("Choose a valid kind of decision."),
            )
        ]


# --- Events -------------------------------------------------------------------------


EventManager = PageManager.from_queryset(EventQuerySet)


class EventIndexPage(ListingIndexPage):
    """The agenda: what happens in the wijkbedrijven, soonest first."""

    subpage_types = ["cms.EventPage"]

    class Meta:
        verbose_name = _("agenda")

    def listed_items(self, request, *, wijk):
        return EventPage.objects.listed().child_of(self).for_wijk(wijk).upcoming(), {}


class EventPage(Page):
    """Something that happens in a wijkbedrijf: a coffee morning, a work day."""

    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=150, help_text=_("E.g. Wijkbedrijf Noord."))
    address = models.TextField(_("address"), blank=True)
    intro = models.TextField(_("summary"), max_length=400)
    body = StreamField(ArticleBlock(), blank=True, verbose_name=_("body"))
    wijken = _wijken_field("event_pages")
    signup_url = models.CharField(
        _("sign-up link"),
        max_length=300,
        blank=True,
        validators=[validate_site_link],
        help_text=_("The page of the initiative where residents sign up, if any."),
    )
    signup_label = models.CharField(
        _("text of the sign-up link"),
        max_length=120,
        blank=True,
        help_text=_("E.g. Sign up as a volunteer for Groene Akerstraat."),
    )

    objects = EventManager()

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("date"),
                FieldPanel("start_time"),
                FieldPanel("end_time"),
                FieldPanel("place"),
                FieldPanel("address"),
                _wijken_panel(),
            ],
            heading=_("When and where"),
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("signup_url"), FieldPanel("signup_label")], heading=_("Sign up")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("place"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        errors = {}
        if self.end_time and self.start_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The end time must be after the start time.")
        if self.signup_label and not self.signup_url:
            errors["signup_url"] = _("Enter the link that the sign-up text points to.")
        if errors:
            raise ValidationError(errors)
