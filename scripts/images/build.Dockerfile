# Build image of the python-cnb builder: the Debian base, the CNB user, and what
# packages with C code need to build from source: a C toolchain, pkg-config, git for
# VCS requirements, and the development files of Oryx's system packages mapped to
# Debian bookworm (libpq-dev for psycopg2, default-libmysqlclient-dev for mysqlclient,
# unixodbc-dev for pyodbc, libexpat1-dev, swig) plus the headers sdists commonly need.
# Built by scripts/setup.sh with the host's CA bundle in the build context (package
# registries reached from this machine use a CA that Debian does not ship); packages
# come from the Debian mirror the base image was bootstrapped from.
ARG BASE_IMAGE=python-cnb/base:bookworm
FROM ${BASE_IMAGE}

ARG CNB_STACK_ID=io.buildpacks.stacks.bookworm

COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY install-packages.sh /usr/local/sbin/install-packages
RUN install-packages \
      build-essential pkg-config git \
      libpq-dev default-libmysqlclient-dev unixodbc-dev unixodbc libexpat1-dev swig \
      libffi-dev libssl-dev zlib1g-dev \
      curl gnupg unzip tzdata ca-certificates locales
# Package scripts may have rewritten the bundle (update-ca-certificates): the host's again.
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN groupadd --gid 1000 cnb \
 && useradd --uid 1000 --gid 1000 --home-dir /home/cnb --create-home --shell /bin/bash cnb

ENV CNB_USER_ID=1000 CNB_GROUP_ID=1000 CNB_STACK_ID=${CNB_STACK_ID} LANG=C.UTF-8
LABEL io.buildpacks.stack.id=${CNB_STACK_ID} \
      io.buildpacks.base.distro.name=debian \
      io.buildpacks.base.distro.version=12

USER 1000:1000
