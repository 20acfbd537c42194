from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A Swedish page that tells the resident how to get their form back."""
    return render(request, "403_csrf.html", status=403)
