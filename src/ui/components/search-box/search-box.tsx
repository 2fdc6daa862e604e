import { SearchTextbox } from '@create-figma-plugin/ui'
import { h, type ComponentProps } from 'preact'
import { useLayoutEffect, useRef } from 'preact/hooks'
import styles from './search-box.css'

export type SearchBoxProps = ComponentProps<typeof SearchTextbox> & {
  /** The clear button's name, for screen readers and speech input. */
  clearLabel?: string
}

/**
 * create-figma-plugin's SearchTextbox, whose clear button (shown once there is text) has no
 * accessible name: the button gets one after each render that may have added it. The box shows
 * where the keyboard focus is, which the library's field does not.
 */
export function SearchBox({ clearLabel = 'Clear the search', ...props }: SearchBoxProps) {
  const wrapper = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => {
    wrapper.current?.querySelector('button')?.setAttribute('aria-label', clearLabel)
  })
  return (
    <div ref={wrapper} class={styles.box}>
      <SearchTextbox {...props} />
    </div>
  )
}
