/** @jsx figma.widget.h */
/**
 * The card as widget components: a pure function of its view model (run-status cards must look
 * the same for everyone). No blurs, shadows or blend modes; a small tree.
 */
import { isTerminalStatus } from '../../../supabase/functions/_shared/vocabulary/index.ts'
import type { CardView } from './card-model.ts'
import type {} from './widget-jsx.ts'

const { AutoLayout, Text } = figma.widget

export interface CardButtons {
  onPick(): Promise<void>
  onAction(action: 'review' | 'cancel' | 'rerun' | 'details'): Promise<void>
}

export const FONT = 'Inter'
const MONO = 'Roboto Mono'

/** Figma's blue: the primary action's fill, and links. */
const BLUE = '#0D99FF'
/** A dark green that reads at 11 px on white: "Live via …". */
const LIVE_GREEN = '#0F7B3F'

/**
 * How a button looks: the one primary action is filled blue; the others are white with a grey
 * outline, and a destructive one (reject, cancel) has a red label.
 */
const BUTTON_LOOKS = {
  primary: { fill: BLUE, stroke: BLUE, text: '#FFFFFF' },
  destructive: { fill: '#FFFFFF', stroke: '#D9D9D9', text: '#D6321A' },
  secondary: { fill: '#FFFFFF', stroke: '#D9D9D9', text: '#333333' },
} as const

export function Button(props: { label: string; onClick: () => Promise<void>; look?: keyof typeof BUTTON_LOOKS }) {
  const look = BUTTON_LOOKS[props.look ?? 'secondary']
  return (
    <AutoLayout
      name={`button ${props.label}`}
      onClick={props.onClick}
      fill={look.fill}
      stroke={look.stroke}
      cornerRadius={6}
      padding={{ horizontal: 10, vertical: 5 }}
      hoverStyle={{ opacity: 0.85 }}
      tooltip={props.label}
    >
      <Text fontFamily={FONT} fontSize={12} fontWeight={600} fill={look.text}>
        {props.label}
      </Text>
    </AutoLayout>
  )
}

export function EmptyCard(props: { onPick: () => Promise<void>; onPlaceButton: () => Promise<void> }) {
  return (
    <AutoLayout
      name="run card"
      direction="vertical"
      width={340}
      padding={16}
      spacing={10}
      fill="#FFFFFF"
      stroke="#E6E6E6"
      cornerRadius={12}
    >
      <Text fontFamily={FONT} fontSize={16} fontWeight={700} fill="#1E1E1E">
        Ops run card
      </Text>
      <Text fontFamily={FONT} fontSize={12} fill="#666666" width="fill-parent">
        Shows one run of Ops Control Room, live for everyone on the board, or becomes a runbook button that starts one.
      </Text>
      <AutoLayout name="actions" spacing={6}>
        <Button label="Pick a run" look="primary" onClick={props.onPick} />
        <Button label="Make a runbook button" onClick={props.onPlaceButton} />
      </AutoLayout>
    </AutoLayout>
  )
}

export function RunCard(props: { view: CardView; status: string; buttons: CardButtons }) {
  const { view, buttons } = props
  const active = !isTerminalStatus(props.status)
  return (
    <AutoLayout name="run card" direction="vertical" width={360} padding={16} spacing={8} fill="#FFFFFF" stroke="#E6E6E6" cornerRadius={12}>
      <AutoLayout name="header" width="fill-parent" spacing={8} verticalAlignItems="start">
        <Text name="title" fontFamily={FONT} fontSize={16} fontWeight={700} fill="#1E1E1E" width="fill-parent">
          {view.title}
        </Text>
        <AutoLayout name="status" fill={view.badge.fill} cornerRadius={10} padding={{ horizontal: 8, vertical: 3 }}>
          <Text fontFamily={FONT} fontSize={11} fontWeight={700} fill={view.badge.text}>
            {view.badge.label}
          </Text>
        </AutoLayout>
      </AutoLayout>
      <Text name="subtitle" fontFamily={FONT} fontSize={12} fill="#666666">
        {view.subtitle}
      </Text>
      <AutoLayout name="progress" width="fill-parent" spacing={8}>
        <Text fontFamily={FONT} fontSize={12} fill="#333333" width="fill-parent">
          {view.progress}
        </Text>
        <Text fontFamily={FONT} fontSize={12} fill="#666666">
          {view.duration}
        </Text>
      </AutoLayout>
      {view.approvals ? (
        <Text name="approvals" fontFamily={FONT} fontSize={12} fontWeight={600} fill="#8A5300" width="fill-parent">
          {view.approvals}
        </Text>
      ) : null}
      <AutoLayout name="log" direction="vertical" width="fill-parent" padding={8} spacing={2} fill="#F5F5F5" cornerRadius={6}>
        {view.lines.map((line, i) => (
          <Text key={i} fontFamily={MONO} fontSize={11} fill={line.color} width="fill-parent" truncate={1}>
            {line.text}
          </Text>
        ))}
      </AutoLayout>
      {view.outcome ? (
        <Text name="outcome" fontFamily={FONT} fontSize={12} fill="#333333" width="fill-parent">
          {view.outcome}
        </Text>
      ) : null}
      {view.artifacts.length > 0 ? (
        <AutoLayout name="artifacts" direction="vertical" spacing={2} width="fill-parent">
          {view.artifacts.map((artifact, i) => (
            <Text
              key={i}
              fontFamily={FONT}
              fontSize={12}
              fill={BLUE}
              textDecoration={artifact.url ? 'underline' : 'none'}
              href={artifact.url ?? undefined}
              truncate={1}
              width="fill-parent"
            >
              {artifact.title}
            </Text>
          ))}
          {view.moreArtifacts > 0 ? <Text fontFamily={FONT} fontSize={11} fill="#8C8C8C">{`+${view.moreArtifacts} more`}</Text> : null}
        </AutoLayout>
      ) : null}
      <AutoLayout name="actions" spacing={6} width="fill-parent">
        {/* One card for everyone: Review opens a window that knows who you are and shows Approve/Reject only to those who may. */}
        {props.status === 'waiting_approval' ? <Button label="Review" look="primary" onClick={() => buttons.onAction('review')} /> : null}
        {active ? <Button label="Cancel" look="destructive" onClick={() => buttons.onAction('cancel')} /> : null}
        {!active ? <Button label="Run again" onClick={() => buttons.onAction('rerun')} /> : null}
        <Button label="Open log" onClick={() => buttons.onAction('details')} />
      </AutoLayout>
      <Text name="footer" fontFamily={FONT} fontSize={11} fill="#8C8C8C" width="fill-parent">
        {view.footer}
      </Text>
      {view.live ? (
        <AutoLayout name="live" direction="vertical" spacing={2} width="fill-parent">
          <Text fontFamily={FONT} fontSize={11} fontWeight={600} fill={LIVE_GREEN} width="fill-parent">
            {view.live.text}
          </Text>
          {view.live.problem ? (
            <Text name="live problem" fontFamily={FONT} fontSize={11} fill="#B86200" width="fill-parent">
              {view.live.problem}
            </Text>
          ) : null}
        </AutoLayout>
      ) : null}
    </AutoLayout>
  )
}
