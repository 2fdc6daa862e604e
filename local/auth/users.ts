/** auth.users rows and the user JSON GoTrue returns for them. */
import type { Tx } from '../db/database.ts'

export interface UserRow {
  id: string
  aud: string
  role: string
  email: string | null
  encrypted_password: string | null
  email_confirmed_at: Date | null
  raw_app_meta_data: Record<string, unknown>
  raw_user_meta_data: Record<string, unknown>
  is_anonymous: boolean
  last_sign_in_at: Date | null
  created_at: Date
  updated_at: Date
}

export async function findUserById(tx: Tx, id: string): Promise<UserRow | undefined> {
  return (await tx.query<UserRow>('select * from auth.users where id = $1', [id])).rows[0]
}

export async function findUserByEmail(tx: Tx, email: string): Promise<UserRow | undefined> {
  return (await tx.query<UserRow>('select * from auth.users where lower(email) = lower($1)', [email])).rows[0]
}

const iso = (date: Date | null) => (date ? date.toISOString() : undefined)

/** The user object of GoTrue's responses (signup, token, /user). */
export function userJson(user: UserRow) {
  return {
    id: user.id,
    aud: user.aud,
    role: user.role,
    email: user.email ?? '',
    email_confirmed_at: iso(user.email_confirmed_at),
    phone: '',
    confirmed_at: iso(user.email_confirmed_at),
    last_sign_in_at: iso(user.last_sign_in_at),
    app_metadata: user.raw_app_meta_data,
    user_metadata: user.raw_user_meta_data,
    identities: [],
    created_at: user.created_at.toISOString(),
    updated_at: user.updated_at.toISOString(),
    is_anonymous: user.is_anonymous,
  }
}
