"""A guarded test view that queues a mail and an SMS echoing what was posted."""

from django.http import HttpResponse
from django.urls import path

from tryggve.lib.guard import public_post
from tryggve.lib.mail import mail_queue, sms_queue


@public_post("report")
def echo(request):
    name, words = request.POST.get("name", ""), request.POST.get("words", "")
    link = "https://trygg.example/bekrafta/AbC123/"
    mail_queue(to="x@example.se", subject=f"Hej {name}", body=f"Hej {name}! {words}\n{link}")
    sms_queue(to="070-123 45 67", body=f"{name}: {words} {link}")
    return HttpResponse("ok")


urlpatterns = [path("echo/", echo)]
