import { useEffect, useState, type MutableRef } from 'preact/hooks'

/** An element's client height, kept current as the plugin window is resized. */
export function useElementHeight(ref: MutableRef<HTMLElement | null>): number {
  const [height, setHeight] = useState(0)
  useEffect(() => {
    const element = ref.current
    if (element === null) return
    setHeight(element.clientHeight)
    if (typeof ResizeObserver === 'undefined') {
      const onResize = () => setHeight(element.clientHeight)
      window.addEventListener('resize', onResize)
      return () => window.removeEventListener('resize', onResize)
    }
    const observer = new ResizeObserver(() => setHeight(element.clientHeight))
    observer.observe(element)
    return () => observer.disconnect()
  }, [ref])
  return height
}
