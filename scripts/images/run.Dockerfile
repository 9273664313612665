# Run image of the python-cnb builder: the Debian base, the CNB user, and the runtime
# side of Oryx's system packages: the client libraries of PostgreSQL (libpq5), MySQL
# and MariaDB (libmariadb3) and ODBC (unixODBC, with the PostgreSQL and MariaDB ODBC
# drivers registered), libexpat1, curl, gnupg, unzip, tzdata, and the C.UTF-8 and
# en_US.UTF-8 locales. No compiler and no headers. The host's CA bundle goes in too,
# so apps can reach the same TLS endpoints.
ARG BASE_IMAGE=python-cnb/base:bookworm
FROM ${BASE_IMAGE}

ARG CNB_STACK_ID=io.buildpacks.stacks.bookworm

COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY install-packages.sh /usr/local/sbin/install-packages
RUN install-packages \
      libpq5 libmariadb3 libodbc2 unixodbc odbc-postgresql odbc-mariadb libexpat1 \
      curl gnupg unzip tzdata ca-certificates locales
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN groupadd --gid 1000 cnb \
 && useradd --uid 1000 --gid 1000 --home-dir /home/cnb --create-home --shell /bin/bash cnb

ENV CNB_USER_ID=1000 CNB_GROUP_ID=1000 CNB_STACK_ID=${CNB_STACK_ID} LANG=C.UTF-8
LABEL io.buildpacks.stack.id=${CNB_STACK_ID} \
      io.buildpacks.base.distro.name=debian \
      io.buildpacks.base.distro.version=12

USER 1000:1000
