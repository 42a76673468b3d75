#!/bin/sh
# The runtime image installs a package for every shared library the server
# links directly (or one that depends on it): a library added to the build
# and forgotten in deploy/Dockerfile would make every pod fail to start.
#
#   image_libraries_test.sh WMO_SERVER DOCKERFILE
set -eu
server=$1
dockerfile=$2
if ! command -v readelf >/dev/null || ! command -v dpkg >/dev/null; then
  echo "skipped: needs readelf and dpkg"
  exit 0
fi
# The packages the runtime stage installs: the words of its apt-get line(s)
# that name a package (after the last FROM).
listed=$(awk '/^FROM/ { runtime = "" } { runtime = runtime "\n" $0 }
              END { print runtime }' "$dockerfile" |
  sed -n '/apt-get install/,/&&.*rm/p' | tr ' \\' '\n\n' |
  grep -E '^lib[a-z0-9.+-]+$' | sort -u)
# What they bring along, and what every Debian base image has.
allowed=$(printf '%s\nlibc6\nlibgcc-s1\nlibstdc++6\n' "$listed"
  for p in $listed; do
    dpkg-query -W -f='${Depends}\n' "$p" 2>/dev/null | tr ',|' '\n\n' |
      sed 's/(.*//; s/:.*//; s/ //g'
  done)
missing=""
for lib in $(readelf -d "$server" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  package=$(dpkg -S "*/$lib" 2>/dev/null | head -1 | cut -d: -f1)
  if [ -z "$package" ]; then
    missing="$missing $lib(no package)"
  elif ! printf '%s\n' "$allowed" | grep -qx "$package"; then
    missing="$missing $package($lib)"
  fi
done
if [ -n "$missing" ]; then
  echo "deploy/Dockerfile's runtime stage lacks:$missing"
  exit 1
fi
echo "every library wmo-server links is installed by the image"
