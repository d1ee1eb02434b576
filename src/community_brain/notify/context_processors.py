"""The signed-in user's unread notices, for the header of every page."""

from community_brain.notify.models import Notice


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": None}
    return {"inbox_unread": Notice.objects.inbox(user).unread().count()}
