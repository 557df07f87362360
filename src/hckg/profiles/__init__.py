"""Export profiles, by name: each maps the catalogue graph onto the graph one kind of consumer reads."""

from hckg.errors import UsageError
from hckg.profiles.base import Field, NodeMap, Profile, ProfileGraph, Walk
from hckg.profiles.croissant import CroissantProfile
from hckg.profiles.dcatap import DcatApProfile
from hckg.profiles.healthdcatap import DEFAULT_NAMESPACE, HealthDcatApProfile
from hckg.profiles.schemaorg import SchemaOrgProfile

PROFILES: dict[str, type[Profile]] = {
    p.name: p for p in (DcatApProfile, HealthDcatApProfile, SchemaOrgProfile, CroissantProfile)
}

DEFAULT_PROFILE = DcatApProfile.name


def get_profile(name: str, *, health_namespace: str = DEFAULT_NAMESPACE) -> Profile:
    """The profile called ``name``; an unknown name is a UsageError listing the choices."""
    if name not in PROFILES:
        raise UsageError(f"--profile: unknown profile '{name}'; use one of {', '.join(PROFILES)}")
    if PROFILES[name] is HealthDcatApProfile:
        return HealthDcatApProfile(namespace=health_namespace)
    return PROFILES[name]()


__all__ = ["PROFILES", "DEFAULT_PROFILE", "DEFAULT_NAMESPACE", "get_profile", "Field", "NodeMap", "Profile",
           "ProfileGraph", "Walk"]
