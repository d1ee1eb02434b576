"""Every error path, in both formats: the spec's error body, several errors at once, and the
HTTP status the spec asks for (403 api_key, 404 unknown resource, 400 the rest)."""

import pytest

from community_brain.accounts.models import ApiToken
from community_brain.accounts.services import issue_api_token, revoke_api_token
from community_brain.cases.models import Case

from .conftest import BASE, errors_of, get, post

FORMATS = ["json", "xml"]


def good(key, **extra):
    data = {
        "api_key": key,
        "service_code": "road",
        "address_string": "东风路与北二路路口",
        "attribute[size]": "small",
        "description": "路口井盖松动",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def only(response, fmt, status, *needles):
    """The response has this status, one error per needle, each naming its needle."""
    assert response.status_code == status, response.content
    errors = errors_of(response, fmt)
    assert len(errors) == len(needles), errors
    for needle, (code, description) in zip(needles, errors, strict=True):
        assert needle in description, (needle, description)
        assert code in (400, 403, 404)
    return errors


@pytest.fixture(params=FORMATS)
def fmt(request):
    return request.param


def test_the_good_request_passes(world, road, key, client, fmt):
    assert post(client, fmt, good(key)).status_code == 200


def test_missing_api_key_is_403(world, road, client, fmt):
    errors = only(post(client, fmt, good(None)), fmt, 403, "api_key")
    assert errors[0][0] == 403
    assert not Case.objects.exists()


def test_invalid_or_revoked_api_key_is_403(world, road, key, client, fmt):
    only(post(client, fmt, good("cb_not-a-token")), fmt, 403, "api_key")
    token = ApiToken.objects.get(user=world.users["staff"])
    revoke_api_token(by=None, token=token)
    only(post(client, fmt, good(key)), fmt, 403, "api_key")


def test_an_account_that_may_not_report_is_403(world, road, client, fmt):
    handler_key = issue_api_token(by=None, user=world.users["property"])  # handles, not reports
    only(post(client, fmt, good(handler_key)), fmt, 403, "may not report")


def test_unknown_service_is_404(world, road, key, client, fmt):
    errors = only(post(client, fmt, good(key, service_code="nope")), fmt, 404, "nope")
    assert errors[0][0] == 404
    # a group (a category with active children) is not a service
    only(post(client, fmt, good(key, service_code="property")), fmt, 404, "property")


def test_missing_service_code_is_400(world, road, key, client, fmt):
    only(post(client, fmt, good(key, service_code=None)), fmt, 400, "service_code")


def test_missing_location_is_400(world, road, key, client, fmt):
    only(post(client, fmt, good(key, address_string=None)), fmt, 400, "location")


def test_half_a_point_or_a_point_off_the_globe_is_400(world, road, key, client, fmt):
    data = good(key, address_string=None, lat="37.1")
    only(post(client, fmt, data), fmt, 400, "long")
    data = good(key, address_string=None, lat="91", long="118")
    only(post(client, fmt, data), fmt, 400, "lat")
    data = good(key, address_string=None, lat="37", long="-180.5")
    only(post(client, fmt, data), fmt, 400, "long")
    data = good(key, address_string=None, lat="north", long="nan")
    only(post(client, fmt, data), fmt, 400, "lat", "long")


def test_a_household_the_key_may_not_see_is_400(world, road, client, fmt):
    grid_key = issue_api_token(by=None, user=world.users["grid"])  # sees grid a1 only
    household = world.households["b1"]
    data = good(grid_key, address_string=None, address_id=str(household.pk))
    only(post(client, fmt, data), fmt, 400, "address_id")
    only(post(client, fmt, good(grid_key, address_id="x1")), fmt, 400, "address_id")


def test_bad_attributes_are_400_naming_each(world, road, key, client, fmt):
    only(post(client, fmt, good(key, **{"attribute[size]": None})), fmt, 400, "attribute[size]")
    only(post(client, fmt, good(key, **{"attribute[size]": "huge"})), fmt, 400, "attribute[size]")
    data = good(key, **{"attribute[size]": ["small", "large"]})
    only(post(client, fmt, data), fmt, 400, "attribute[size]")
    data = good(key, **{"attribute[hazards][]": ["car", "boat"]})
    only(post(client, fmt, data), fmt, 400, "attribute[hazards]")
    only(post(client, fmt, good(key, **{"attribute[depth]": "deep"})), fmt, 400, "attribute[depth]")
    data = good(key, **{"attribute[seen_at]": "2026-05-01 09:00"})  # no time zone
    only(post(client, fmt, data), fmt, 400, "attribute[seen_at]")
    only(
        post(client, fmt, good(key, **{"attribute[colour]": "red"})), fmt, 400, "attribute[colour]"
    )


def test_description_rules_are_400(world, road, key, client, fmt):
    only(post(client, fmt, good(key, description="x" * 4001)), fmt, 400, "description")
    data = good(key, description="看这里 <a href='http://x'>链接</a>")
    only(post(client, fmt, data), fmt, 400, "description")
    # not HTML: a comparison, Chinese angle quotes
    assert post(client, fmt, good(key, description="水深<5厘米，《通知》见门口")).status_code == 200
    assert post(client, fmt, good(key, description="y" * 4000)).status_code == 200


def test_bad_contact_fields_are_400(world, road, key, client, fmt):
    only(post(client, fmt, good(key, phone="12345")), fmt, 400, "phone")
    only(post(client, fmt, good(key, email="not-an-address")), fmt, 400, "email")
    only(post(client, fmt, good(key, media_url="javascript:alert(1)")), fmt, 400, "media_url")
    only(post(client, fmt, good(key, device_id="d" * 101)), fmt, 400, "device_id")


def test_several_errors_at_once(world, road, key, client, fmt):
    data = good(
        key,
        address_string=None,
        description="<b>坑</b>",
        phone="000",
        **{"attribute[size]": "huge"},
    )
    response = post(client, fmt, data)
    errors = only(response, fmt, 400, "location", "description", "attribute[size]", "phone")
    assert {code for code, _d in errors} == {400}
    # without an api_key as well: 403 wins the HTTP status, every error is still listed
    data["api_key"] = ""
    data["service_code"] = "nope"
    response = post(client, fmt, data)
    assert response.status_code == 403
    codes = [code for code, _d in errors_of(response, fmt)]
    assert codes[0] == 403 and 404 in codes and 400 in codes
    assert not Case.objects.exists()


def test_a_body_that_is_not_a_form_is_400(world, road, key, client, fmt):
    response = client.post(
        f"{BASE}/requests.{fmt}?api_key={key}",
        '{"service_code": "road"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert any("x-www-form-urlencoded" in d for _c, d in errors_of(response, fmt))


def test_unknown_resources_are_404(world, road, client, fmt):
    only(get(client, "services/nope", fmt), fmt, 404, "nope")
    only(get(client, "requests/TS-2026-999999", fmt), fmt, 404, "TS-2026-999999")
    only(get(client, "tokens/TS-2026-999999", fmt), fmt, 404, "TS-2026-999999")
    only(get(client, "services", fmt, {"jurisdiction_id": "elsewhere.example"}), fmt, 404, "juris")


def test_a_date_range_over_90_days_is_400(world, road, client, fmt):
    params = {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-04-02T00:00:00+08:00"}
    only(get(client, "requests", fmt, params), fmt, 400, "90 days")
    params = {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2025-12-01T00:00:00Z"}
    only(get(client, "requests", fmt, params), fmt, 400, "end_date")
    only(get(client, "requests", fmt, {"start_date": "yesterday"}), fmt, 400, "start_date")
    only(get(client, "requests", fmt, {"end_date": "2026-01-01T00:00:00"}), fmt, 400, "time zone")
    only(get(client, "requests", fmt, {"status": "open,pending"}), fmt, 400, "status")


def test_a_format_other_than_json_or_xml_is_404(world, road, client):
    response = client.get(f"{BASE}/services.html")
    assert response.status_code == 404
    assert errors_of(response, "xml")[0][0] == 404


def test_a_method_the_resource_does_not_take_is_405(world, road, client, fmt):
    response = client.post(f"{BASE}/services.{fmt}")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert errors_of(response, fmt)[0][0] == 405
