"""The demo's year of cases: the source's 133 field-diary problems in its five categories, all
resolved, and resident reports in every state — seeded once, whatever the random draws."""

import pytest

from community_brain.cases.choices import Source, Status
from community_brain.cases.models import Case
from community_brain.cases.queries import figures
from community_brain.demo import cases as demo_cases
from community_brain.demo import history, register, rota


@pytest.mark.slow
def test_a_year_of_cases(db):
    register.seed()
    demo_cases.seed()
    made = history.seed()
    assert made

    diary = Case.objects.filter(source=Source.FIELD_DIARY, reported_at__year=2026)
    assert diary.count() == 133
    assert diary.exclude(status=Status.CLOSED).count() == 0
    tops = {c.category.parent.name if c.category.parent else c.category.name for c in diary}
    assert tops == {"环境卫生", "邻里纠纷", "设施设备", "安全隐患", "物业服务"}
    assert figures(diary.order_by())["resolution_rate"] == 100

    residents = Case.objects.filter(source__in=[Source.RESIDENT_PAGE, Source.PHONE])
    assert set(residents.values_list("status", flat=True)) == set(Status)
    assert residents.filter(bounce_count__gte=2, flagged=True).exists()

    before = Case.objects.count()
    assert not history.seed()  # seeding again adds nothing
    assert Case.objects.count() == before


def test_the_rota_has_someone_on_duty_now_and_a_chain_behind(db):
    from community_brain.accounts.models import Organisation
    from community_brain.notify import oncall

    register.seed()
    assert rota.seed() > 0
    committee = Organisation.objects.get(code="qc-committee")
    first = oncall.first_responders(organisation=committee)
    assert first and all(u.username.startswith("grid") for u in first)
    assert rota.seed() == 0  # seeding again adds nothing
