from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A Swedish page that tells the resident how to get their form back."""
    return render(request, "403_csrf.html", status=403)


def form_action(request, form, *, action, refused: type[Exception], back: str):
    """A staff page's small POST form: validate, run one service call, and go back to the
    page with a message. A refused action or bad input becomes a message, never a 500."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(back)
    try:
        action()
    except refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Sparat."))
    return redirect(back)
