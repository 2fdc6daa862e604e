/** Starts a server listening and resolves with its port; a taken port becomes the caller's error. */
import type { Server } from 'node:http'

export function listen(server: Server, port: number, host: string, portInUse: (port: number, host: string) => Error): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(error.code === 'EADDRINUSE' ? portInUse(port, host) : error)
    }
    const onListening = () => {
      server.off('error', onError)
      const address = server.address()
      if (address !== null && typeof address === 'object') resolve(address.port)
      else reject(new Error(`the server is listening on ${address ?? 'nothing'}, not on a TCP port`))
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}
