# Local lifecycle image for `pack build --lifecycle-image` (used when pack makes an
# ephemeral builder, e.g. with --buildpack). It needs /etc/passwd and a world-writable
# /tmp, hence the Debian base rather than scratch.
ARG BASE_IMAGE=python-cnb/base:bookworm
FROM ${BASE_IMAGE}

ARG LIFECYCLE_VERSION=0.21.14

# lifecycle.tgz (made by scripts/setup.sh) holds lifecycle.toml and lifecycle/ with the
# lifecycle and launcher binaries and the phase symlinks; ADD unpacks it into /cnb.
ADD lifecycle.tgz /cnb/
RUN chmod 1777 /tmp

LABEL io.buildpacks.lifecycle.version=${LIFECYCLE_VERSION}
