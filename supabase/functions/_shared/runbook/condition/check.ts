import type { InputDefinition } from '../schema/input.ts'
import type { Condition, ConditionProblem, ConditionValue, NameRef } from './parser.ts'

/**
 * Names must be env or a declared input, and a literal compared with a typed input must be a
 * value that input can take: a typo like env == 'prodution' would otherwise silently never match.
 */
export function checkCondition(condition: Condition, inputs: readonly InputDefinition[]): ConditionProblem[] {
  const problems: ConditionProblem[] = []
  const byKey = new Map(inputs.map((input) => [input.key, input]))

  const checkName = (ref: NameRef): InputDefinition | undefined => {
    const key = ref.name === 'env' ? 'env' : ref.name.startsWith('inputs.') ? ref.name.slice('inputs.'.length) : null
    if (key !== null && (ref.name === 'env' || byKey.has(key))) return byKey.get(key)
    const declared = inputs.map((input) => `inputs.${input.key}`)
    problems.push({ offset: ref.start, message: `unknown name "${ref.name}"`, expected: ['env', ...declared].join(', ') })
    return undefined
  }

  const checkLiteral = (ref: NameRef, input: InputDefinition | undefined, value: ConditionValue, offset: number) => {
    if (input === undefined) return
    const problem = literalProblem(input, value)
    if (problem !== null)
      problems.push({ offset, message: `${JSON.stringify(value)} ${problem.message} ${ref.name}`, expected: problem.expected })
  }

  const walk = (node: Condition): void => {
    switch (node.type) {
      case 'literal':
        return
      case 'name':
        checkName(node)
        return
      case 'not':
        walk(node.operand)
        return
      case 'and':
      case 'or':
        walk(node.left)
        walk(node.right)
        return
      case 'compare': {
        walk(node.left)
        walk(node.right)
        const [ref, literal] = node.left.type === 'name' ? [node.left, node.right] : [node.right, node.left]
        if (ref.type === 'name' && literal.type === 'literal') checkLiteral(ref, inputFor(ref), literal.value, literal.start)
        return
      }
      case 'in':
        walk(node.left)
        if (node.left.type === 'name') {
          const ref = node.left
          for (const item of node.items) checkLiteral(ref, inputFor(ref), item.value, item.start)
        }
        return
    }
  }

  const inputFor = (ref: NameRef): InputDefinition | undefined => byKey.get(ref.name === 'env' ? 'env' : ref.name.slice('inputs.'.length))

  walk(condition)
  return problems
}

function literalProblem(input: InputDefinition, value: ConditionValue): { message: string; expected: string } | null {
  switch (input.type) {
    case 'choice':
      return typeof value === 'string' && input.options?.includes(value) === true
        ? null
        : { message: 'is not an option of', expected: `one of ${(input.options ?? []).join(', ')}` }
    case 'number':
      return typeof value === 'number' ? null : { message: 'is not a number, so it never equals', expected: 'a number' }
    case 'boolean':
      return typeof value === 'boolean' ? null : { message: 'is not true or false, so it never equals', expected: 'true or false' }
    default:
      return typeof value === 'string' ? null : { message: 'is not text, so it never equals', expected: 'a quoted text' }
  }
}
