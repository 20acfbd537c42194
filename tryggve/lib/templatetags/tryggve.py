from django import template

register = template.Library()


@register.simple_tag
def widget(field, **attrs):
    """Render a field's widget tied to its help text and errors for screen readers."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_group(field) -> bool:
    """Radio buttons and checkbox lists are announced as a group with a legend."""
    widget = field.field.widget
    return getattr(widget, "input_type", "") in {"radio", "checkbox"} and hasattr(widget, "choices")


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def signed(number) -> str:
    """A difference with its sign: "+7", "0", and "−1" with the true minus sign (U+2212),
    which typography and screen readers take for minus where a hyphen is a dash."""
    if number is None or number == "":
        return ""
    if number > 0:
        return f"+{number}"
    return str(number).replace("-", "\u2212")
