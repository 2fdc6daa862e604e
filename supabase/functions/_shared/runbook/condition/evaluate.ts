import type { Condition, ConditionValue } from './parser.ts'

/** What a condition can see: the run's environment and its resolved inputs. */
export interface ConditionScope {
  env: string
  inputs: Record<string, ConditionValue | undefined>
}

export function evaluateCondition(condition: Condition, scope: ConditionScope): boolean {
  return truthy(valueOf(condition, scope))
}

function valueOf(condition: Condition, scope: ConditionScope): ConditionValue | undefined {
  switch (condition.type) {
    case 'literal':
      return condition.value
    case 'name':
      return lookup(condition.name, scope)
    case 'not':
      return !evaluateCondition(condition.operand, scope)
    case 'and':
      return evaluateCondition(condition.left, scope) && evaluateCondition(condition.right, scope)
    case 'or':
      return evaluateCondition(condition.left, scope) || evaluateCondition(condition.right, scope)
    case 'compare': {
      // Strict equality: inputs are already typed, so "3" and 3 are different on purpose.
      const same = valueOf(condition.left, scope) === valueOf(condition.right, scope)
      return condition.op === '==' ? same : !same
    }
    case 'in': {
      const value = valueOf(condition.left, scope)
      const found = condition.items.some((item) => item.value === value)
      return condition.negated ? !found : found
    }
  }
}

function lookup(name: string, scope: ConditionScope): ConditionValue | undefined {
  if (name === 'env') return scope.env
  if (name.startsWith('inputs.')) return scope.inputs[name.slice('inputs.'.length)]
  return undefined
}

function truthy(value: ConditionValue | undefined): boolean {
  return value === true || (typeof value === 'string' && value !== '') || (typeof value === 'number' && value !== 0)
}
