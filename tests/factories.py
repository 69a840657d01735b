import datetime

import factory
from django.contrib.auth import get_user_model

from civicdata.publishing import Status
from essays.models import Author, Byline, DraftingStatus, Essay, Inset, Pullquote, Section, Series
from portfolio.models import CaseStudy, DataSource, Partner, Topic
from search_index.documents import index_item


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("a-long-test-password")


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Series {n}")
    slug = factory.LazyAttribute(lambda series: series.title.lower().replace(" ", "-"))


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Author {n}")


class EssayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Essay
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Essay number {n}")
    slug = factory.Sequence(lambda n: f"essay-{n}")
    series = factory.SubFactory(SeriesFactory)
    series_position = factory.Sequence(lambda n: n + 1)
    date = datetime.date(2022, 2, 24)
    summary = "A short summary."
    status = Status.PUBLISHED

    @factory.post_generation
    def search_index(essay, create, extracted, **kwargs):
        """Indexed as rendering would (search finds its title and summary); render it again once
        it has sections."""
        if create:
            index_item(essay)


class BylineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Byline

    essay = factory.SubFactory(EssayFactory)
    author = factory.SubFactory(AuthorFactory)
    position = 1


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    essay = factory.SubFactory(EssayFactory)
    position = factory.Sequence(lambda n: n + 1)
    heading = factory.Sequence(lambda n: f"Heading {n}")
    body = "A paragraph of text.\n\nAnother paragraph."
    drafting_status = DraftingStatus.DRAFTED


class InsetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inset

    essay = factory.SubFactory(EssayFactory)
    section = None
    after_paragraph = 0
    body = "In short:\n* one\n* two"


class PullquoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pullquote

    essay = factory.SubFactory(EssayFactory)
    section = factory.SubFactory(SectionFactory, essay=factory.SelfAttribute("..essay"))
    after_paragraph = 1
    body = "A quotation set apart."


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudy
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Case study {n}")
    slug = factory.Sequence(lambda n: f"case-study-{n}")
    summary = "What the project did."
    body = "How it worked."
    date = datetime.date(2023, 5, 1)
    status = Status.PUBLISHED

    @factory.post_generation
    def search_index(case_study, create, extracted, **kwargs):
        """Indexed as rendering would (search finds its title and summary); its body once
        rendered."""
        if create:
            index_item(case_study)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    case_study = factory.SubFactory(CaseStudyFactory)
    organization = factory.Sequence(lambda n: f"Organization {n}")
    role = "Data provider"
    position = factory.Sequence(lambda n: n + 1)


class ReviewLinkFactory(factory.django.DjangoModelFactory):
    """A review link made as editors make them (reviews.services.create_review_link), for a
    draft essay unless `item` says otherwise. Its token, the end of its address, is `.token`
    and its address `.address`."""

    class Meta:
        model = "reviews.ReviewLink"

    item = factory.SubFactory(EssayFactory, status=Status.DRAFT)
    created_by = factory.SubFactory(UserFactory)
    days = 7
    recipient = "County data team"

    @classmethod
    def _create(cls, model_class, *, item, created_by, days, recipient):
        from django.urls import reverse

        from reviews.services import create_review_link

        link, token = create_review_link(
            item=item, created_by=created_by, days=days, recipient=recipient
        )
        link.token = token
        link.address = reverse("reviews:review_copy", kwargs={"token": token})
        return link


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda topic: topic.name.lower().replace(" ", "-"))


class DataSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataSource

    case_study = factory.SubFactory(CaseStudyFactory)
    name = factory.Sequence(lambda n: f"Records {n}")
    owner = "County courts"
    description = "What was recorded."
    limitations = "Counts what the institution did, not what people did."
    position = factory.Sequence(lambda n: n + 1)


class RoleUserFactory(UserFactory):
    """Staff in one of the groups civicdata.roles creates: `RoleUserFactory(role=AUTHORS)`."""

    class Meta:
        skip_postgeneration_save = True

    is_staff = True

    @factory.post_generation
    def role(user, create, name, **kwargs):
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name=name))
