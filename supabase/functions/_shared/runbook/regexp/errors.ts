/**
 * Why a regular expression does not compile, in RE2's own words ("missing closing ]: `[a-z`"),
 * so a template author can look the message up and the texts match what RE2 says elsewhere.
 */

export const SYNTAX_ERRORS = {
  invalidCharRange: 'invalid character class range',
  invalidEscape: 'invalid escape sequence',
  invalidNamedCapture: 'invalid named capture',
  invalidPerlOp: 'invalid or unsupported Perl syntax',
  invalidRepeatOp: 'invalid nested repetition operator',
  invalidRepeatSize: 'invalid repeat count',
  missingBracket: 'missing closing ]',
  missingParen: 'missing closing )',
  missingRepeatArgument: 'missing argument to repetition operator',
  trailingBackslash: 'trailing backslash at end of expression',
  duplicateNamedCapture: 'duplicate capture group name',
  unexpectedParen: 'unexpected )',
  nestingDepth: 'expression nests too deeply',
} as const

export class RegexpSyntaxError extends Error {
  constructor(reason: (typeof SYNTAX_ERRORS)[keyof typeof SYNTAX_ERRORS], fragment?: string) {
    super(fragment === undefined ? reason : `${reason}: \`${fragment}\``)
    this.name = 'RegexpSyntaxError'
  }
}
