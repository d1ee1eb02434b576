"""ID numbers are encrypted at rest and found through a blind index."""

import pytest
from django.db import connection

from community_brain.core import crypto
from community_brain.places.models import Resident


def test_round_trip_and_fresh_ciphertext_each_time():
    a, b = crypto.encrypt("370322194803120024"), crypto.encrypt("370322194803120024")
    assert a != b
    assert crypto.decrypt(a) == crypto.decrypt(b) == "370322194803120024"


def test_key_rotation_keeps_old_values_readable(settings):
    old = crypto.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEY = "new-key," + settings.FIELD_ENCRYPTION_KEY
    assert crypto.decrypt(old) == "secret"


def test_wrong_key_is_a_clear_error(settings):
    token = crypto.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEY = "another-key"
    with pytest.raises(ValueError, match="FIELD_ENCRYPTION_KEY"):
        crypto.decrypt(token)


def test_id_numbers_cannot_be_read_in_the_database(world):
    resident = world.residents["a1-head"]
    plain = resident.id_number
    assert len(plain) == 18
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_number_index FROM places_resident WHERE id = %s", [resident.pk]
        )
        stored, index = cursor.fetchone()
    assert plain not in stored and plain[-8:] not in stored
    assert plain not in index
    assert Resident.objects.get(pk=resident.pk).id_number == plain


def test_whole_table_dump_holds_no_id_number(world):
    numbers = [r.id_number for r in Resident.objects.all()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM places_resident")
        dump = repr(cursor.fetchall())
    assert numbers
    assert not any(n in dump for n in numbers)


def test_filtering_an_encrypted_field_directly_is_refused():
    with pytest.raises(TypeError, match="blind index"):
        Resident.objects.filter(id_number="370322194803120024")
