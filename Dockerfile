# The emulator's own image: the emulate CLI on Node 20, built from this repository in two stages.
#
#   docker build -t emulate .
#   docker build --build-arg BASE_IMAGE=<a local image with node and npm> -t emulate .   # offline
#
# `emulate rie` needs nothing else (docker run -p 8080:8080 emulate rie -- <bootstrap>). To run functions in Docker
# from inside this image, give it the host's daemon and network, and mount the project at the same path as on the host
# (the daemon resolves CodeUri bind mounts on the host):
#   docker run --network host -v /var/run/docker.sock:/var/run/docker.sock --group-add $(stat -c %g /var/run/docker.sock) \
#     -v "$PWD:$PWD" -w "$PWD" emulate start-api
ARG BASE_IMAGE=node:20-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /opt/emulate
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here, and aws-lambda-ric (a devDependency the tests
# drive) would compile native code the image never uses.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY runtime-api ./runtime-api
COPY apigw ./apigw
RUN npm run build

FROM ${BASE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /opt/emulate
COPY package.json package-lock.json ./
# Production dependencies only: no aws-lambda-ric, TypeScript or vitest in the image.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /opt/emulate/dist ./dist
# The `node` user of the official Node images, by number so any base image works.
USER 1000:1000
ENTRYPOINT ["node", "/opt/emulate/dist/src/cli/main.js"]
CMD ["--help"]
