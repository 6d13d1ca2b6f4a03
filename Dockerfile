# One image for every service; the compose file picks the entry point.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV NODE_ENV=production
# Set per service in docker-compose.yml (apps/<service>/src/main.ts).
ENV SDN_APP=api
CMD ["sh", "-c", "exec node -r ./tools/register.js apps/${SDN_APP}/src/main.ts"]
