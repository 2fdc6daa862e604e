/**
 * What github_dispatch puts into GitHub's API URL and request: `repo` goes into the path
 * (/repos/{owner}/{name}/…), so it must be exactly owner/name, and `ref` must look like a git
 * ref. Checked on the template's literal text, on the plan once inputs are filled in, and by the
 * step once everything is bound.
 */

/** GitHub's own characters: owners are letters, digits and -, names add . and _ (but not "." or ".."). */
const OWNER = /^[A-Za-z0-9-]{1,39}$/
const NAME = /^[A-Za-z0-9._-]{1,100}$/

export const REPO_EXPECTED = 'owner/name, like acme/web (letters, digits and - in the owner; letters, digits, ., _ and - in the name)'

export function isRepo(repo: string): boolean {
  const parts = repo.split('/')
  return parts.length === 2 && OWNER.test(parts[0]) && NAME.test(parts[1]) && parts[1] !== '.' && parts[1] !== '..'
}

/** Git's rules for ref names, the cheap part: no spaces, control characters, ~ ^ : ? * [ \, "..", "@{" or a leading "-". */
// eslint-disable-next-line no-control-regex -- control characters are exactly what a ref may not hold
const REF = /^(?!-)(?!.*\.\.)(?!.*@\{)[^\s\u0000-\u001f\u007f~^:?*[\\]{1,255}$/

export const REF_EXPECTED = 'a git ref like main, v1.2 or refs/heads/main (no spaces, control characters, "..", ~ ^ : ? * [ or \\)'

export function isGitRef(ref: string): boolean {
  return REF.test(ref)
}
