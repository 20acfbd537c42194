"""`{% signature %}`: who signs a message, for the municipality it is written for.

Mail is rendered without a request, so the `identity` context processor does not run; the
services render each message inside `serving_for` (reports' `speaking_for`, watch's
`_speaking_for`), and this tag reads the municipality served there."""

from django import template

from tryggve.areas.identity import public_identity

register = template.Library()


@register.simple_tag
def signature() -> str:
    return public_identity().footer
