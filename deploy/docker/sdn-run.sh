#!/bin/sh
# Entry point of the product image: runs the program named by SDN_APP (or the first argument), e.g.
#   docker run IMAGE                                  the app of SDN_APP (default api)
#   docker run IMAGE sdnctl nats credentials ...      sdnctl
set -e
app=${SDN_APP:-api}
case "${1:-}" in
  api|config-service|ipam-service|dns-service|node-agent|sdnctl) app=$1; shift ;;
esac
exec node /app/dist/apps/$app/src/main.js "$@"
