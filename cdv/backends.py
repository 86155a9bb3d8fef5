from django.contrib.auth.backends import ModelBackend

from cdv.roles import permissions_for_roles


class RoleBackend(ModelBackend):
    """E-mail login (case-insensitive) and model permissions derived from the user's roles."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            user_obj._role_perm_cache = permissions_for_roles(user_obj.role_codes)
        return super().get_all_permissions(user_obj) | user_obj._role_perm_cache
