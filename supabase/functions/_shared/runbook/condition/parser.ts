import { ConditionSyntaxError, tokenize, type Token, type TokenType } from './lexer.ts'

export type ConditionValue = string | number | boolean

interface Span {
  start: number
  end: number
}

type Literal = Span & { type: 'literal'; value: ConditionValue }
export type NameRef = Span & { type: 'name'; name: string }

/** The parsed form of a condition; spans point into its source for error messages. */
export type Condition =
  | Literal
  | NameRef
  | (Span & { type: 'not'; operand: Condition })
  | (Span & { type: 'and' | 'or'; left: Condition; right: Condition })
  | (Span & { type: 'compare'; op: '==' | '!='; left: Condition; right: Condition })
  | (Span & { type: 'in'; negated: boolean; left: Condition; items: Literal[] })

export interface ConditionProblem {
  offset: number
  message: string
  expected?: string
}

export type ParsedCondition = { ok: true; condition: Condition } | { ok: false; problem: ConditionProblem }

/** Parses a condition with a small recursive-descent parser; nothing is ever evaluated as code. */
export function parseCondition(source: string): ParsedCondition {
  try {
    const parser = new Parser(tokenize(source))
    const condition = parser.parseOr()
    parser.expectEnd()
    return { ok: true, condition }
  } catch (error) {
    if (error instanceof ConditionSyntaxError) {
      return { ok: false, problem: { offset: error.offset, message: error.reason, expected: error.expected } }
    }
    throw error
  }
}

class Parser {
  private index = 0

  constructor(private readonly tokens: Token[]) {}

  private get current(): Token {
    return this.tokens[this.index]
  }

  private take(type: TokenType): Token | null {
    if (this.current.type !== type) return null
    return this.tokens[this.index++]
  }

  private fail(expected: string): never {
    const token = this.current
    const found = token.type === 'end' ? 'end of the condition' : `"${token.text}"`
    throw new ConditionSyntaxError(token.start, `unexpected ${found}`, expected)
  }

  expectEnd(): void {
    if (this.current.type !== 'end') this.fail('and, or, or the end of the condition')
  }

  parseOr(): Condition {
    let left = this.parseAnd()
    while (this.take('or') !== null) {
      const right = this.parseAnd()
      left = { type: 'or', left, right, start: left.start, end: right.end }
    }
    return left
  }

  private parseAnd(): Condition {
    let left = this.parseUnary()
    while (this.take('and') !== null) {
      const right = this.parseUnary()
      left = { type: 'and', left, right, start: left.start, end: right.end }
    }
    return left
  }

  private parseUnary(): Condition {
    const not = this.take('not')
    if (not !== null) {
      const operand = this.parseUnary()
      return { type: 'not', operand, start: not.start, end: operand.end }
    }
    return this.parseComparison()
  }

  private parseComparison(): Condition {
    const left = this.parseOperand()
    const op = this.take('==') ?? this.take('!=')
    if (op !== null) {
      const right = this.parseOperand()
      return { type: 'compare', op: op.type === '==' ? '==' : '!=', left, right, start: left.start, end: right.end }
    }
    const negated = this.current.type === 'not' && this.tokens[this.index + 1]?.type === 'in'
    if (negated) this.index++
    if (this.take('in') !== null) {
      const { items, end } = this.parseList()
      return { type: 'in', negated, left, items, start: left.start, end }
    }
    return left
  }

  private parseOperand(): Condition {
    const token = this.current
    if (token.type === 'string' || token.type === 'number' || token.type === 'boolean') {
      this.index++
      return { type: 'literal', value: token.value, start: token.start, end: token.end }
    }
    if (token.type === 'name') {
      this.index++
      return { type: 'name', name: token.text, start: token.start, end: token.end }
    }
    if (this.take('(') !== null) {
      const inner = this.parseOr()
      if (this.take(')') === null) this.fail('")"')
      return inner
    }
    return this.fail('env, inputs.<key>, a quoted text, a number, true, false, not or (')
  }

  private parseList(): { items: Literal[]; end: number } {
    if (this.take('[') === null) this.fail('a list like ["staging", "production"]')
    const items: Literal[] = []
    while (this.current.type !== ']') {
      const token = this.current
      if (token.type !== 'string' && token.type !== 'number' && token.type !== 'boolean') {
        this.fail('a quoted text, a number, true or false')
      }
      this.index++
      items.push({ type: 'literal', value: token.value, start: token.start, end: token.end })
      if (this.take(',') === null) break
    }
    const close = this.take(']')
    if (close === null) return this.fail('"," or "]"')
    return { items, end: close.end }
  }
}
