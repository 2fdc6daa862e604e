// The reference bundle for the bundle benchmark: the smallest honest React + supabase-js app that
// lists runs and streams a run's log, built the same way (minified, one file) as the plugin UI.
import { createClient } from '@supabase/supabase-js'
import { useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'

const supabase = createClient('https://example.supabase.co', 'anon-key', { db: { schema: 'ops' } })

function App() {
  const [runs, setRuns] = useState<{ id: string; title: string; status: string }[]>([])
  const [lines, setLines] = useState<string[]>([])
  useEffect(() => {
    void supabase
      .from('runs')
      .select('id, title, status')
      .then(({ data }) => setRuns(data ?? []))
    const channel = supabase
      .channel('log')
      .on('postgres_changes', { event: 'INSERT', schema: 'ops', table: 'run_events' }, (change) =>
        setLines((previous) => [...previous, String((change.new as { message: string }).message)]),
      )
      .subscribe()
    return () => void supabase.removeChannel(channel)
  }, [])
  return (
    <main>
      <ul>
        {runs.map((run) => (
          <li key={run.id}>
            {run.title}: {run.status}
          </li>
        ))}
      </ul>
      <pre>{lines.join('\n')}</pre>
    </main>
  )
}

createRoot(document.getElementById('root')!).render(<App />)
