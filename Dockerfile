# n8n with n8n-nodes-meta-resilience, installed from the tarball that `npm pack` writes.
#
#   npm ci && npm pack
#   docker build --build-arg N8N_VERSION=2.41.1 -t n8n-meta-resilience .
#
# The package is not on the npm registry yet: the build context is this repository with the
# packed tarball in it (.dockerignore lets nothing else in). README.md, "Docker", says how to run
# the image and what a volume on /home/node/.n8n does to it.

# An n8n release the end-to-end suite tests (testing/n8n.ts, N8N_LINES); test/packaging checks it.
ARG N8N_VERSION=2.41.1
FROM n8nio/n8n:${N8N_VERSION}

# n8n runs as `node` and loads community packages from ~/.n8n/nodes/node_modules.
USER node
RUN mkdir -p /home/node/.n8n/nodes
COPY --chown=node:node n8n-nodes-meta-resilience-*.tgz /home/node/.n8n/nodes/

# The same install as the README's tarball path and the end-to-end suite: the nodes folder's
# package.json as n8n writes it, then `npm install ./<tarball>`. The tarball stays: npm records
# it as a `file:` dependency, and n8n's own `npm install` in this folder (installing another
# community package later) needs it. --omit=peer: n8n-workflow is a peer dependency that n8n
# itself provides; --omit=dev: nothing but runtime dependencies (undici, zod, ioredis).
RUN set -eu; \
    cd /home/node/.n8n/nodes; \
    set -- n8n-nodes-meta-resilience-*.tgz; \
    if [ "$#" -ne 1 ]; then \
        echo "expected exactly one n8n-nodes-meta-resilience-*.tgz in the build context (run npm pack), found: $*" >&2; \
        exit 1; \
    fi; \
    [ -f package.json ] || echo '{"name":"installed-nodes","private":true,"dependencies":{}}' > package.json; \
    npm install --omit=dev --omit=peer --no-audit --no-fund --loglevel=error "./$1"; \
    test -f node_modules/n8n-nodes-meta-resilience/dist/nodes/MetaRequest/MetaRequest.node.js; \
    rm -rf /home/node/.npm
