"""The signed-in user's unread notices, for the header of every page."""


def inbox(request):
    return {"inbox_unread": None}
