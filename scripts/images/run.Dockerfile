# Run image of the python-cnb builder: the Debian base plus the CNB user.
# The host's CA bundle goes in too, so apps can reach the same TLS endpoints.
ARG BASE_IMAGE=python-cnb/base:bookworm
FROM ${BASE_IMAGE}

ARG CNB_STACK_ID=io.buildpacks.stacks.bookworm

COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN groupadd --gid 1000 cnb \
 && useradd --uid 1000 --gid 1000 --home-dir /home/cnb --create-home --shell /bin/bash cnb

ENV CNB_USER_ID=1000 CNB_GROUP_ID=1000 CNB_STACK_ID=${CNB_STACK_ID}
LABEL io.buildpacks.stack.id=${CNB_STACK_ID} \
      io.buildpacks.base.distro.name=debian \
      io.buildpacks.base.distro.version=12

USER 1000:1000
