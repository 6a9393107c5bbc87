from django.db.models import Q

from daiban.catalog.models import ServiceItem, ServiceItemVersion


def search_items(text: str):
    """Offered items found by the words people use: the name or a common name (常用名,
    低保 for 最低生活保障申请) containing the text, or their pinyin initials or full pinyin
    starting with it (db, dibao). The catalog is a few hundred items at most, so the
    common names are matched in Python over one query's rows."""
    from daiban.catalog.aliases import item_ids_called

    items = ServiceItem.objects.filter(is_active=True)
    text = (text or "").strip()
    if not text:
        return items
    called = item_ids_called(items, text)
    return items.filter(
        Q(name__icontains=text) | Q(name_initials__startswith=text.lower()) | Q(pk__in=called)
    )


def current_guide(item: ServiceItem) -> ServiceItemVersion:
    """The item's guide as it stands now, without writing: its frozen version if there is
    one, else an unsaved one (a page only reads it; the step that accepts freezes it with
    `services.ensure_current_version`)."""
    from daiban.catalog.services import content_hash, snapshot

    data = snapshot(item)
    digest = content_hash(data)
    version = ServiceItemVersion.objects.filter(item=item, content_hash=digest).first()
    return version or ServiceItemVersion(item=item, content_hash=digest, snapshot=data)
