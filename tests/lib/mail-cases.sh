# The mail adapter cases (sourced by e2e-native.sh and e2e-workerd.sh): each provider sends one
# set-password mail to a different partner (so that no rate limit is shared), through a local
# fake of the provider's endpoint that `pc-e2e mail` runs and checks. The last case's fake
# refuses: the mail must then be kept in the outbox with the reason.
MAIL_TEST_FROM="Brightloom Partners <partners@brightloom.example>"
MAIL_TEST_REPLY_TO="partners@brightloom.example"
MAIL_TEST_DOMAIN="mg.brightloom.example"
MAIL_TEST_KEY="key-$(random_secret)"
MAIL_CASES="resend abc123 alex@riverareviews.example
postmark mia456 mia@slowmornings.example
sendgrid sam314 sam@espressonerds.example
mailgun xyz789 yusuf@kitchenlab.example
resend-refused cafe01 priya@cornercup.example"

# The settings for one case, as NAME=VALUE lines: provider $1, fake provider at port $2.
mail_settings() {
  printf '%s\n' "MAIL_PROVIDER=${1%-refused}" "MAIL_FROM=$MAIL_TEST_FROM" "MAIL_REPLY_TO=$MAIL_TEST_REPLY_TO" \
    "MAIL_API_KEY=$MAIL_TEST_KEY" "MAIL_DOMAIN=$MAIL_TEST_DOMAIN" "MAIL_API_BASE=http://127.0.0.1:$2"
}

# `pc-e2e mail` for one case: provider $1, code $2, e-mail $3, fake port $4, then the portal's
# --base-url and database arguments.
mail_check() {
  local provider=$1 code=$2 email=$3 fake=$4
  shift 4
  local fail=()
  [ "$provider" = "${provider%-refused}" ] || fail=(--fail)
  "$BIN_DIR"/pc-e2e mail --provider "${provider%-refused}" --listen "127.0.0.1:$fake" --code "$code" --to "$email" \
    --from "$MAIL_TEST_FROM" --reply-to "$MAIL_TEST_REPLY_TO" --key "$MAIL_TEST_KEY" --domain "$MAIL_TEST_DOMAIN" \
    "${fail[@]}" "$@"
}
