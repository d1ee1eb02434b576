"""The figures: closed is not fixed; satisfaction counts rated cases, by their first verdict."""

from community_brain.cases import queries, services
from community_brain.cases.models import Case
from community_brain.testing import report_case


def _finish(world, case, *, resolution="fixed", rating=None):
    services.resolve(case, by=world.users["property"], result="处理完毕了", resolution=resolution)
    services.verify(case, by=world.users["staff"])
    if rating:
        services.rate(case, by=world.users["staff"], rating=rating, on_behalf=True)
    else:
        services.close(case, by=world.users["staff"])


def test_rates(world, cats):
    a, b, c, d = (report_case(world, cats, title=f"问题编号{i}") for i in range(4))
    _finish(world, a, rating="satisfied")
    _finish(world, b, resolution="explained", rating="basically")
    _finish(world, c, rating="unsatisfied")  # reopened: not ended
    row = queries.figures(Case.objects.all())
    assert row["total"] == 4 and row["open"] == 2  # c reopened, d untouched
    assert row["ended"] == 2 and row["fixed"] == 1
    assert row["resolution_rate"] == 50.0  # closed ≠ fixed
    assert row["rated"] == 3 and row["satisfaction_rate"] == 66.7
    # a redo that pleases does not erase the first verdict
    _finish(world, Case.objects.get(pk=c.pk), rating="satisfied")
    row = queries.figures(Case.objects.all())
    assert row["ended"] == 3 and row["rated"] == 3 and row["satisfaction_rate"] == 66.7
    by_compound = queries.figures(Case.objects.all(), "compound")
    assert by_compound[0]["label"] == "甲小区" and by_compound[0]["total"] == 4
    assert d.pk
