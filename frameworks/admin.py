"""Admin for framework content: a published or retired version is read-only.

Content arrives through ``manage.py load_frameworks``; the admin is for looking, not for editing.
"""

from django.contrib import admin

from frameworks.models import Framework, FrameworkVersion, Item, LevelDescriptor, ScaleLevel


def _is_locked(obj) -> bool:
    """Inlines are asked about their parent: a version, or an item of one."""
    version = obj.version if isinstance(obj, Item) else obj
    return isinstance(version, FrameworkVersion) and version.status != "draft"


class ReadOnlyWhenPublished:
    def has_add_permission(self, request, *args):
        # Inlines are passed their parent object; model admins are not.
        if args and args[0] is not None and _is_locked(args[0]):
            return False
        return super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and _is_locked(obj)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and _is_locked(obj)) and super().has_delete_permission(
            request, obj
        )


class ScaleLevelInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = ScaleLevel
    extra = 0


class LevelDescriptorInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = LevelDescriptor
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "kind"]


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ReadOnlyWhenPublished, admin.ModelAdmin):
    list_display = ["framework", "version", "status", "published_on", "content_hash"]
    list_filter = ["status", "framework"]
    readonly_fields = ["content_hash", "loaded_at"]
    inlines = [ScaleLevelInline]


@admin.register(Item)
class ItemAdmin(ReadOnlyWhenPublished, admin.ModelAdmin):
    list_display = ["title", "key", "version", "is_context"]
    list_filter = ["version"]
    list_select_related = ["version__framework"]
    inlines = [LevelDescriptorInline]
