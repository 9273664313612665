# Runs Poetry (its arguments follow) with one change: when PyPI's JSON API
# has no answer for a version, Poetry takes the version's files, and its
# metadata, from PyPI's simple index instead, as pip does. Mirrors and
# proxies in front of PyPI often serve only the simple index, and Poetry
# would otherwise find no file to install for a locked version, nor the
# build requirements of a package it builds from source (setuptools for an
# sdist). The files are still checked against the lock's hashes.
import sys

from poetry.inspection.info import PackageInfo
from poetry.repositories.exceptions import PackageNotFoundError
from poetry.repositories.pypi_repository import PyPiRepository

_find_links = PyPiRepository.find_links_for_package


def find_links_for_package(self, package):
    links = _find_links(self, package)
    if links:
        return links
    try:
        page = self.get_page(package.name)
    except Exception:
        return []
    return list(page.links_for_version(package.name, package.version))


PyPiRepository.find_links_for_package = find_links_for_package

_release_info = PyPiRepository._get_release_info


def _get_release_info(self, name, version):
    try:
        return _release_info(self, name, version)
    except PackageNotFoundError:
        pass
    # as Poetry reads a simple index (LegacyRepository._get_release_info)
    page = self.get_page(name)
    return self._links_to_data(
        list(page.links_for_version(name, version)),
        PackageInfo(
            name=name,
            version=version.text,
            summary="",
            requires_dist=[],
            requires_python=None,
            files=[],
            yanked=page.yanked(name, version),
            cache_version=str(self.CACHE_VERSION),
        ),
    )


PyPiRepository._get_release_info = _get_release_info

from poetry.console.application import main  # noqa: E402

sys.argv[0] = "poetry"
sys.exit(main())
