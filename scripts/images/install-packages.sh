#!/bin/sh
# install-packages PACKAGE...: installs Debian packages into an image being built, from
# the apt sources the base image was bootstrapped with, then generates the en_US.UTF-8
# locale (C.UTF-8 is built into glibc) and drops apt's lists, caches and logs.
set -eu
export DEBIAN_FRONTEND=noninteractive
# The mirror may serve a dated snapshot, whose Release files are past their Valid-Until.
apt-get -o Acquire::Check-Valid-Until=false update -qq
apt-get install -y -qq --no-install-recommends "$@" >/var/tmp/apt-install.log 2>&1 || {
  tail -n 40 /var/tmp/apt-install.log >&2
  exit 1
}
if [ -f /etc/locale.gen ]; then
  echo 'en_US.UTF-8 UTF-8' >/etc/locale.gen
  locale-gen >/dev/null
fi
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
  /var/cache/debconf/*-old /var/tmp/apt-install.log
