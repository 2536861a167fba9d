"""An argument about the seed op-ed, made through the services, for the map page's browser tests
(and its screenshot in the README): claims, evidence, an opinion offered as evidence, a linked
argument of two premises, an implicit premise, an attack and an undercut."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from annotator.models import Document
from claims import services
from claims.models import Link, Tag

#: (name, paragraph position, phrase, kind)
PASSAGES = [
    ("unprecedented", 0, "This agreement is unprecedented for both bilateral relations", "claim"),
    ("no-other", 0, "so far, has no such agreement with any other nation", "evidence"),
    (
        "wuhan",
        2,
        'the newfound "Wuhan spirit" seems set to trigger new possibilities for conceptualizing '
        "bilateral arrangements on sensitive topics such as internal security",
        "claim",
    ),
    (
        "afghan",
        1,
        "China and India launched their first joint training program for 10 Afghan diplomats",
        "evidence",
    ),
    (
        "revival",
        5,
        'we recently witnessed the revival of their "hand-in-hand" counter-terrorism military '
        "exercises",
        "evidence",
    ),
    ("doklam", 5, "These were suspended because of the incident in Dong Lang (Doklam)", "evidence"),
    (
        "understanding",
        3,
        "Such interactions are bound to generate a better understanding of complex issues",
        "claim",
    ),
    (
        "formidable",
        4,
        "Terrorism has come to be the most formidable challenge of our times",
        "opinion",
    ),
    ("trust", 4, "They must first build their mutual trust", "claim"),
    (
        "strategic",
        10,
        "such rapid rapprochement between China and India also carries deeper strategic "
        "implications",
        "claim",
    ),
    (
        "police",
        11,
        "Rajnath Singh manages India's eight central armed police forces with combined strength "
        "of over a million",
        "evidence",
    ),
    ("pap", 11, "The People's Armed Police alone accounts for 1.5 million", "evidence"),
]
IMPLICIT = ("practitioners", "Working together builds trust between security services.", "evidence")


@dataclass
class SeedArgument:
    tags: dict[str, Tag]
    links: dict[str, Link]


def tag_phrase(
    actor: AbstractBaseUser, document: Document, position: int, phrase: str, kind: str
) -> Tag:
    """Tag the first occurrence of ``phrase`` in paragraph ``position``."""
    paragraph = document.paragraphs.get(position=position)
    start = paragraph.text.index(phrase)
    return services.tag_create(
        actor=actor, paragraph=paragraph, start=start, end=start + len(phrase), kind=kind
    )


def argue_about_the_seed(document: Document, actor: AbstractBaseUser) -> SeedArgument:
    """Annotate the seed op-ed with a small argument map (see the module docstring)."""
    tags = {
        name: tag_phrase(actor, document, position, phrase, kind)
        for name, position, phrase, kind in PASSAGES
    }
    name, text, kind = IMPLICIT
    tags[name] = services.implicit_tag_create(actor=actor, document=document, text=text, kind=kind)

    def link(source: str, relation: str, target: str, group: str = "") -> Link:
        return services.link_create(
            actor=actor, source=tags[source], target=tags[target], relation=relation, group=group
        )

    links = {
        "no-other": link("no-other", "supports", "unprecedented"),
        "afghan": link("afghan", "supports", "wuhan"),
        "revival": link("revival", "supports", "wuhan"),
        "wuhan": link("wuhan", "supports", "understanding"),
        "formidable": link("formidable", "supports", "understanding"),
        "practitioners": link("practitioners", "supports", "trust"),
        "police": link("police", "supports", "strategic", group="size"),
        "pap": link("pap", "supports", "strategic", group="size"),
        "understanding": link("understanding", "supports", "strategic"),
    }
    links["doklam"] = services.link_create(
        actor=actor, source=tags["doklam"], target_link=links["revival"], relation="undercuts"
    )
    return SeedArgument(tags=tags, links=links)
