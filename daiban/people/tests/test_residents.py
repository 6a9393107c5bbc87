import uuid

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from daiban.people import crypto
from daiban.people.models import Resident, Role
from daiban.people.selectors import residents_with_id_number, residents_with_phone
from daiban.people.services import check_staff_place, create_staff, initials, register_resident


def test_id_number_and_phone_are_encrypted_at_rest(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_encrypted, phone_encrypted, id_number_hash FROM people_resident WHERE id = %s",
            [world.resident.pk],
        )
        id_cipher, phone_cipher, id_hash = cursor.fetchone()
    assert "459901198604120032" not in id_cipher and "19860412" not in id_cipher
    assert "13877160412" not in phone_cipher
    assert "459901198604120032" not in id_hash
    assert crypto.decrypt(id_cipher) == "459901198604120032"
    assert crypto.decrypt(phone_cipher) == "+8613877160412"
    assert world.resident.id_number_masked == "459901********0032"
    assert world.resident.phone_masked == "138****0412"
    assert world.resident.name_initials == "hjr"
    assert world.resident.gender == "M"


def test_exact_look_up_by_keyed_hash(world):
    assert list(residents_with_id_number("459901198604120032")) == [world.resident]
    assert list(residents_with_phone("138 7716 0412")) == [world.resident]
    assert list(residents_with_phone("0776-6112345")) == [world.other_resident]
    assert not residents_with_id_number("not a number").exists()


def test_duplicate_id_number_is_refused_and_names_the_twin(world):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        register_resident(
            actor=world.agent,
            name="胡建荣",
            id_number="459901198604120032",
            phone="13900000000",
            village=world.village,
        )
    assert "already registered" in caught.value.message_dict["id_number"][0]
    assert Resident.objects.count() == 2


def test_every_field_error_is_reported_at_once_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as caught:
        register_resident(
            actor=world.agent,
            name=" ",
            id_number="110105194912310021",
            phone="123",
            village=world.other_village,
            hamlet=world.hamlet,
        )
    assert set(caught.value.message_dict) == {"name", "id_number", "phone", "hamlet"}
    assert Resident.objects.count() == 2


def test_retry_with_the_same_uid_returns_the_first_resident(world):
    uid = uuid.uuid4()
    kwargs = {
        "actor": world.agent,
        "name": "黄美玲",
        "id_number": "11010519491231002X",
        "phone": "13977160000",
    }
    first = register_resident(village=world.village, uid=uid, **kwargs)
    again = register_resident(village=world.village, uid=uid, **kwargs)
    assert first.pk == again.pk
    assert Resident.objects.filter(name="黄美玲").count() == 1


def test_old_rows_stay_readable_after_a_new_key_is_put_first(world, settings):
    token = world.resident.id_number_encrypted
    settings.DATA_KEYS = [Fernet.generate_key().decode(), *settings.DATA_KEYS]
    assert crypto.decrypt(token) == "459901198604120032"
    rotated = crypto.rotate(token)
    settings.DATA_KEYS = settings.DATA_KEYS[:1]
    assert crypto.decrypt(rotated) == "459901198604120032"


def test_pinyin_initials():
    assert initials("胡建荣") == "hjr"
    assert initials("出生登记（新生儿落户）") == "csdjxselh"


def test_staff_role_needs_its_own_place(world):
    with pytest.raises(ValidationError) as caught:
        check_staff_place(Role.VILLAGE_AGENT, township=world.township)
    assert set(caught.value.message_dict) == {"village", "township"}
    with pytest.raises(ValidationError):
        check_staff_place(Role.DEPARTMENT_CLERK, department=world.county_civil_affairs)
    check_staff_place(Role.COUNTY_SUPERVISOR, county=world.county)


def test_database_refuses_a_role_without_its_place(world):
    with pytest.raises(ValidationError):
        create_staff(username="x", password="x", display_name="x", role=Role.CENTER_DIRECTOR)
    user = world.agent
    user.village = None
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()
