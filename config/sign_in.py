"""The user name django-axes records for a sign-in attempt."""


def attempted_username(request, credentials=None):
    """The user name typed, cut to what axes' tables hold (None if none was typed).

    axes stores it uncut, so a longer name turned a refused sign-in into a database
    error (a 500) instead of "wrong user name or password".
    """
    from axes.models import AccessAttempt

    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username")
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]
