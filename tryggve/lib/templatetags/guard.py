"""`{% guard_fields %}`: the honeypot and the signed time a public form was shown."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tryggve.lib.guard import HONEYPOT_FIELD, STARTED_FIELD, new_stamp, stamp_age

register = template.Library()


@register.simple_tag(takes_context=True)
def guard_fields(context):
    """Render inside every public POST form. A form shown again after a POST keeps the time
    it was first shown, so a re-sent form is never "too fast"."""
    request = context.get("request")
    stamp = ""
    if request is not None and request.method == "POST":
        posted = request.POST.get(STARTED_FIELD, "")
        if stamp_age(posted) is not None:
            stamp = posted
    # Hidden with display:none (class guard-hp): out of sight, the tab order and the
    # accessibility tree; only a program filling every field fills it.
    return format_html(
        '<div class="guard-hp"><label>{} <input type="text" name="{}" value="" '
        'tabindex="-1" autocomplete="off"></label></div>'
        '<input type="hidden" name="{}" value="{}">',
        _("Lämna det här fältet tomt"),
        HONEYPOT_FIELD,
        STARTED_FIELD,
        stamp or new_stamp(),
    )
