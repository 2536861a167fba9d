"""factory_boy factories for every model; tests build exactly the data they need."""

import factory
from django.contrib.auth import get_user_model

from annotator.models import Document, Membership, Paragraph, Project, Role
from claims.models import Link, Review, Tag


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    project = factory.SubFactory(ProjectFactory)
    role = Role.ANNOTATOR


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Document {n}")
    byline = "A. Writer"


class ParagraphFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paragraph

    document = factory.SubFactory(DocumentFactory)
    position = factory.Sequence(lambda n: n)
    text = "Cooperation on internal security is a breakthrough for both countries."


class TagFactory(factory.django.DjangoModelFactory):
    """A tag over the first word-ish span of its paragraph, with a matching quote."""

    class Meta:
        model = Tag

    paragraph = factory.SubFactory(ParagraphFactory)
    document = factory.SelfAttribute("paragraph.document")
    start = 0
    end = 11
    quote = factory.LazyAttribute(lambda o: o.paragraph.text[o.start : o.end])
    prefix = factory.LazyAttribute(lambda o: o.paragraph.text[max(0, o.start - 32) : o.start])
    suffix = factory.LazyAttribute(lambda o: o.paragraph.text[o.end : o.end + 32])
    kind = "claim"
    author = factory.SubFactory(UserFactory)


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Link

    source = factory.SubFactory(TagFactory)
    target = factory.SubFactory(
        TagFactory, paragraph=factory.SelfAttribute("..source.paragraph"), start=12, end=20
    )
    relation = "supports"
    author = factory.SubFactory(UserFactory)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    tag = factory.SubFactory(TagFactory)
    reviewer = factory.SubFactory(UserFactory)
    verdict = "agree"
