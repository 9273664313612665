# Runs Poetry (its arguments follow) with one change: when PyPI's JSON API
# has no answer for a locked version, Poetry takes the version's files from
# PyPI's simple index instead, as pip does. Mirrors and proxies in front of
# PyPI often serve only the simple index, and Poetry would otherwise find
# no file to install. The files are still checked against the lock's hashes.
import sys

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

from poetry.console.application import main  # noqa: E402

sys.argv[0] = "poetry"
sys.exit(main())
