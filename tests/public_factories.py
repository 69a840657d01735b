"""Factories for what the public pages show: essays with bylines and sections, and editors."""

import factory
from django.contrib.auth.models import Group

from civicdata.roles import EDITORS
from tests.factories import AuthorFactory, BylineFactory, EssayFactory, SectionFactory, UserFactory


class WrittenEssayFactory(EssayFactory):
    """An essay with authors and sections (an untitled opening, then headed parts).

    Render it (the `render` fixture) once its parts are all there, as the admin would.
    `authors`: names in byline order; `sections`: how many sections.
    """

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def authors(essay, create, names, **kwargs):
        for position, name in enumerate(names or ["Aman"], start=1):
            BylineFactory(essay=essay, author=AuthorFactory(name=name), position=position)

    @factory.post_generation
    def sections(essay, create, count, **kwargs):
        for position in range(1, (3 if count is None else count) + 1):
            SectionFactory(
                essay=essay,
                position=position,
                heading="" if position == 1 else f"Part {position}",
                body=f"Text of part {position}.\n\nMore of part {position}.",
            )


class EditorFactory(UserFactory):
    """A member of the Editors group (civicdata.roles): changes and publishes everything, and so
    previews drafts."""

    class Meta:
        skip_postgeneration_save = True

    is_staff = True

    @factory.post_generation
    def permissions(user, create, extracted, **kwargs):
        user.groups.add(Group.objects.get(name=EDITORS))
