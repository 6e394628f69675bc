"""Mail leaves through the task queue: a request defers it, a worker sends it.

A request never waits for the mail server, and a mail server that is down delays the
mail (centres.queue.RETRY) instead of failing the request. No secret link is stored
in the queue where it can be avoided: a password reset's link is made by the worker.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from procrastinate.contrib.django import app

from centres.queue import RETRY


def send_later(to, subject, body, html=None):
    """Send a mail to the addresses `to` from DEFAULT_FROM_EMAIL, plain text and, if
    given, `html` beside it, by the worker, once the current transaction commits (not at
    all if it rolls back). Each mail is its own job: one address refused holds up no
    other mail, and is tried again on its own."""
    if html is None:
        deliver.defer(to=list(to), subject=subject, body=body)
    else:
        deliver.defer(to=list(to), subject=subject, body=body, html=html)


def render(template, context, language):
    """The subject and body of `template` (<template>_subject.txt and <template>.txt)
    in `language`."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    return subject, body


def send_password_reset_later(user, *, domain, protocol, language):
    """Mail `user` a link to choose a new password, made and sent by the worker."""
    deliver_password_reset.defer(
        user_id=user.pk, domain=domain, protocol=protocol, language=language
    )


@app.task(retry=RETRY)
def deliver(to, subject, body, html=None):
    send_mail(subject, body, None, to, html_message=html)


@app.task(retry=RETRY)
def deliver_password_reset(user_id, domain, protocol, language):
    """Django's reset mail (registration/password_reset_*), its link made here."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    with translation.override(language):
        subject = render_to_string("registration/password_reset_subject.txt", context)
        body = render_to_string("registration/password_reset_email.html", context)
    # Django's own reset form joins the subject's lines the same way.
    send_mail("".join(subject.splitlines()), body, None, [user.email])
