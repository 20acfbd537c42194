from django_tasks import task

from tryggve.lib.mail import mail_deliver


@task()
def deliver_mail(mail_id: int) -> str:
    return mail_deliver(mail_id=mail_id)
