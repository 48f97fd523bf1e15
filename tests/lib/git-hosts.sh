# The git hosts the console commits through besides GitHub (sourced): for each, the API base
# under the fake pc-e2e serves, and the check.
#
#   git_api HOST PORT    the GIT_API_URL of HOST's fake on PORT
GIT_HOSTS="forgejo gitlab"

git_api() {
  case $1 in
    forgejo) echo "http://127.0.0.1:$2/api/v1" ;;
    gitlab) echo "http://127.0.0.1:$2/api/v4" ;;
  esac
}
