"""Django's database sessions, saved with one statement on the requests that only renew them.

Every signed-in request saves its session (SESSION_SAVE_EVERY_REQUEST renews the idle
limit). Django wraps that update in a transaction of its own: BEGIN, UPDATE and COMMIT,
three round trips on every page. A single UPDATE is atomic by itself.

A form's request saves the session in the form's own transaction
(centres.middleware.SubmissionTokenMiddleware), so what the view put in it is kept with
the view's writes; SessionMiddleware's save after it then finds nothing new to write.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import transaction


class SessionStore(db.SessionStore):
    # The key this store last committed, unchanged since: it lives for one request.
    _committed = None

    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        if not self.modified and self._committed == self.session_key:
            return
        session = self.create_model_instance(self._get_session())
        updated = self.model.objects.filter(session_key=session.session_key).update(
            session_data=session.session_data, expire_date=session.expire_date
        )
        if not updated:  # ended meanwhile (signed out in another tab, or purged)
            raise UpdateError
        transaction.on_commit(lambda: self._committed_as_is(session.session_key))

    def _committed_as_is(self, key):
        self._committed = key
        self.modified = False  # every change to the data sets it again
