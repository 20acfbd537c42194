"""The staff menu, derived from `accounts.roles.MENU` and PAGE_PERMISSIONS."""

from django import template
from django.urls import get_script_prefix, resolve, reverse

from tryggve.accounts.access import is_verified
from tryggve.accounts.roles import MENU, may_open, user_roles

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_menu(context) -> list[dict]:
    """The menu links this user's roles open (the server checks the role again)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated or not is_verified(request):
        return []
    roles = getattr(request, "roles", None)
    if roles is None:
        roles = user_roles(request.user)
    items = []
    for entry in MENU:
        if entry.member_of and not getattr(request.user, entry.member_of).exists():
            continue
        for page, url_name in entry.targets:
            if may_open(roles, page):
                url = reverse(url_name)
                items.append(
                    {"label": entry.label, "url": url, "current": request.path.startswith(url)}
                )
                break
    return items


@register.filter
def opens_for(url_name: str, request) -> bool:
    """Whether this user's roles open the staff page at `url_name`.

    Asks the page's own view (the roles its `staff_required` names), so a sub-menu shows
    only links that will not answer 403: ``{% if "analytics:riskmap"|opens_for:request %}``.
    """
    # reverse() writes the script prefix of a municipality served under a path
    # ("/arjeplog/"); resolve() reads paths without it.
    path, prefix = reverse(url_name), get_script_prefix()
    if path.startswith(prefix):
        path = "/" + path[len(prefix):]
    allowed = getattr(resolve(path).func, "staff_roles", None)
    if allowed is None:  # not a staff page
        return True
    roles = getattr(request, "roles", None)
    if roles is None:
        roles = user_roles(request.user)
    return bool(set(roles) & allowed)
