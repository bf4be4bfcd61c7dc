-- Webhook secret rotation (Standard Webhooks signatures): the secret a rotation replaced keeps
-- signing deliveries, beside the new one, until previous_secret_expires_at. Only the last
-- previous secret is kept. Existing secrets (whsec_<hex>) stay valid: hex is valid base64.
-- The table already has row-level security (site_isolation, 20261124014751_webhooks).

-- AlterTable
ALTER TABLE "mod_chat_webhooks" ADD COLUMN     "previous_secret" TEXT,
ADD COLUMN     "previous_secret_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "secret_rotated_at" TIMESTAMPTZ(3);

-- A previous secret always has its end.
ALTER TABLE "mod_chat_webhooks"
  ADD CONSTRAINT "mod_chat_webhooks_previous_secret_check" CHECK (("previous_secret" IS NULL) = ("previous_secret_expires_at" IS NULL));
