"""Which parts of the navigation the signed-in user may use."""

from community_brain.accounts.permissions import IMPORT, VIEW, Kind, access_for
from community_brain.accounts.roles import DISPATCH


def nav(request):
    user = getattr(request, "user", None)
    access = access_for(user)
    return {
        "access": access,
        "nav": {
            "register": access.allows(Kind.PLACES, VIEW),
            "personal": access.allows(Kind.PERSONAL, VIEW),
            "import": access.allows(Kind.PERSONAL, IMPORT),
            "cases": access.allows(Kind.CASES, VIEW),
            "diary": access.has_role("grid_worker", "community_staff"),
            "devices": access.allows(Kind.DEVICES, VIEW),
            "gates": access.allows(Kind.ACCESS, VIEW),
            "face_consent": access.has_role("resident"),
            "workbench": access.has_role(
                "grid_worker",
                "department_officer",
                "property_staff",
                "contractor",
                "community_staff",
                "system_admin",
            ),
            "screen": access.allows(Kind.CASES, DISPATCH),
            "duties": access.is_admin or access.has_role("department_officer"),
            "inspections": access.is_admin or access.has_role("inspector", "contractor"),
            "activities": access.is_admin or access.has_role("community_staff", "resident"),
            "bulletins": access.is_admin or access.has_role("community_staff", "property_staff"),
        },
    }
